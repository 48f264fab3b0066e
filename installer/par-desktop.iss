; Inno Setup script of PAR Desktop (Inno Setup 6.3 or later; UTF-8).
;   pyinstaller --noconfirm --clean build_installer.spec     (makes dist\par-desktop\)
;   iscc installer\par-desktop.iss                            (makes dist\par-desktop-<version>-setup.exe)
;
; Per-machine installation into Program Files. The shared database is asked once, on the first
; installation (an upgrade keeps the answer): empty = each clerk's own data folder
; (%LOCALAPPDATA%\PAR Desktop\par_desktop.db); a UNC path such as \\may-chu\PAR\par_desktop.db for the
; file every clerk shares, or a postgresql:// URL. It is stored as the machine environment variable
; PAR_DESKTOP_DB, which the application reads when no --db is given (CLI.md). Silent deployment:
;   par-desktop-<version>-setup.exe /VERYSILENT /DB="\\may-chu\PAR\par_desktop.db"
; Uninstalling removes the program and that variable; databases, backups and logs are kept.

#define AppName "PAR Desktop"
#define GuiExe "PAR Desktop.exe"
#define CliExe "par-desktop.exe"
#define BundleDir "..\dist\par-desktop"
#define AppUserModelID "PAR.Desktop"
#if !FileExists(SourcePath + BundleDir + "\" + CliExe)
  #error Build the bundle first: pyinstaller --noconfirm --clean build_installer.spec
#endif
#ifndef AppVersion
  ; The version resource build_installer.spec writes from par_desktop.__version__ (or iscc /DAppVersion=…).
  #define AppVersion GetStringFileInfo(SourcePath + BundleDir + "\" + CliExe, "ProductVersion")
#endif

[Setup]
AppId={{D5680226-A0CD-4E01-8C31-8828D65D06A3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Văn phòng Sở Lao động - Thương binh và Xã hội
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
; Qt 6 uses the ICU of Windows, present from Windows 10 version 1903.
MinVersion=10.0.18362
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesEnvironment=yes
CloseApplications=yes
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist
OutputBaseFilename=par-desktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Signing (docs/windows-build.md): with a code-signing certificate, iscc is called with
;   /DSignTool=parsign "/Sparsign=signtool sign /fd sha256 /tr <timestamp URL> /td sha256 /f <cert.pfx> /p <password> $f"
; and signs the installer and its uninstaller; without it the build is unsigned, as before.
#ifdef SignTool
SignTool={#SignTool}
SignedUninstaller=yes
#endif

[Languages]
#if FileExists(CompilerPath + "Languages\Unofficial\Vietnamese.isl")
Name: "vi"; MessagesFile: "compiler:Languages\Unofficial\Vietnamese.isl"
#else
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
DbPageCaption=Cơ sở dữ liệu
DbPageDescription=Các cán bộ dùng chung dữ liệu ở đâu?
DbPageText=Để trống nếu máy này dùng dữ liệu riêng (thư mục dữ liệu của từng người dùng).%n%nNếu cả Văn phòng dùng chung một tệp trên máy chủ, nhập đường dẫn mạng (UNC) của tệp, ví dụ \\may-chu\PAR\par_desktop.db — không dùng ổ đĩa ánh xạ (Z:\…) vì mỗi người dùng có thể ánh xạ khác nhau. Có thể nhập URL postgresql://… khi dùng máy chủ PostgreSQL.%n%nCâu hỏi này chỉ hỏi một lần; muốn đổi về sau, sửa biến môi trường PAR_DESKTOP_DB của máy.
DbPagePrompt=Tệp cơ sở dữ liệu dùng chung (để trống = dữ liệu riêng của từng người dùng):
DbNotAbsolute=Đường dẫn phải là đường dẫn mạng đầy đủ (\\máy-chủ\thư-mục\tệp.db), đường dẫn đầy đủ có ổ đĩa (D:\thư-mục\tệp.db) hoặc URL postgresql://.
DbFolderMissing=Máy này hiện không thấy thư mục%n%1%n%nCó thể máy chủ chưa bật hoặc tài khoản cài đặt không có quyền. Vẫn dùng đường dẫn này?
LaunchApp=Mở PAR Desktop

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: no module or library of the previous version may linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; The AppUserModelID the app sets at start (par_desktop.app.APP_USER_MODEL_ID): a pinned shortcut and the
; running window share one taskbar button.
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; AppUserModelID: "{#AppUserModelID}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; AppUserModelID: "{#AppUserModelID}"; Tasks: desktopicon

[Run]
; The variable is set for the processes started after this installer, so the first start is told directly.
Filename: "{app}\{#GuiExe}"; Parameters: "{code:LaunchParameters}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent runasoriginaluser

[Code]
const
  EnvKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';
  EnvName = 'PAR_DESKTOP_DB';
  DefaultFileName = 'par_desktop.db';

var
  DbPage: TInputQueryWizardPage;
  MachineLocation: String;   { PAR_DESKTOP_DB as it was before this installation }
  HadMachineLocation: Boolean;

function CommandLineLocation: String;
begin
  Result := Trim(ExpandConstant('{param:DB|}'));
end;

function IsDatabaseUrl(const Location: String): Boolean;
begin
  Result := (Pos('postgresql://', Lowercase(Location)) = 1) or (Pos('postgres://', Lowercase(Location)) = 1);
end;

function IsAbsolutePath(const Location: String): Boolean;
begin
  Result := (Copy(Location, 1, 2) = '\\') or
            ((Length(Location) > 2) and (Location[2] = ':') and (Location[3] = '\'));
end;

{ The location as stored: trimmed; a folder that exists gets the default file name. }
function NormalizedLocation: String;
begin
  Result := Trim(DbPage.Values[0]);
  if (Result <> '') and not IsDatabaseUrl(Result) and DirExists(Result) then
    Result := AddBackslash(Result) + DefaultFileName;
end;

procedure InitializeWizard;
begin
  HadMachineLocation := RegQueryStringValue(HKEY_LOCAL_MACHINE, EnvKey, EnvName, MachineLocation);
  DbPage := CreateInputQueryPage(wpSelectTasks, CustomMessage('DbPageCaption'),
    CustomMessage('DbPageDescription'), CustomMessage('DbPageText'));
  DbPage.Add(CustomMessage('DbPagePrompt'), False);
  if CommandLineLocation <> '' then
    DbPage.Values[0] := CommandLineLocation
  else if HadMachineLocation then
    DbPage.Values[0] := MachineLocation
  else
    DbPage.Values[0] := GetPreviousData('DatabaseLocation', '');
end;

function ShouldSkipPage(PageID: Integer): Boolean;
begin
  { Asked once: an upgrade keeps the first answer, even an empty one, unless /DB= is given. }
  Result := (PageID = DbPage.ID) and (GetPreviousData('DatabaseAsked', '') = '1')
            and (CommandLineLocation = '');
end;

function NextButtonClick(CurPageID: Integer): Boolean;
var
  Location, Folder: String;
begin
  Result := True;
  if CurPageID <> DbPage.ID then
    Exit;
  Location := NormalizedLocation;
  DbPage.Values[0] := Location;
  if (Location = '') or IsDatabaseUrl(Location) then
    Exit;
  if not IsAbsolutePath(Location) then
  begin
    MsgBox(CustomMessage('DbNotAbsolute'), mbError, MB_OK);
    Result := False;
    Exit;
  end;
  Folder := ExtractFileDir(Location);
  if not DirExists(Folder) then
    Result := MsgBox(FmtMessage(CustomMessage('DbFolderMissing'), [Folder]), mbConfirmation, MB_YESNO) = IDYES;
end;

procedure RegisterPreviousData(PreviousDataKey: Integer);
begin
  SetPreviousData(PreviousDataKey, 'DatabaseAsked', '1');
  SetPreviousData(PreviousDataKey, 'DatabaseLocation', NormalizedLocation);
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Location: String;
begin
  if CurStep <> ssPostInstall then
    Exit;
  Location := NormalizedLocation;
  if Location <> '' then
    RegWriteStringValue(HKEY_LOCAL_MACHINE, EnvKey, EnvName, Location)
  else if HadMachineLocation then
    RegDeleteValue(HKEY_LOCAL_MACHINE, EnvKey, EnvName);
end;

function LaunchParameters(Param: String): String;
begin
  Result := '';
  if NormalizedLocation <> '' then
    Result := '--db "' + NormalizedLocation + '"';
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { The program's setting goes; the databases, backups and logs it points to stay. }
  if CurUninstallStep = usPostUninstall then
    RegDeleteValue(HKEY_LOCAL_MACHINE, EnvKey, EnvName);
end;
