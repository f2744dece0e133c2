"""Table models, widgets, dialogs and the background-operation runner shared by every area."""
