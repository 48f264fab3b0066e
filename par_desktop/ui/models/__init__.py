"""Qt item models of the pages (QAbstractTableModel subclasses over plain service rows)."""
