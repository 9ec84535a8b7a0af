"""Refreshing the data from public APIs into dated vintages (``truce refresh``)."""
