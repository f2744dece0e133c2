"""What every screen is given: the services, the signed-in actor, settings and the change hub."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from hsp_desktop.gui.settings import Settings
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.container import Services


class ChangeHub(QObject):
    """Operations announce what they changed; views that show it refresh.

    ``changed`` carries a topic such as "students", "families", "contacts", "school".
    """

    changed = Signal(str)


@dataclass(frozen=True)
class AppContext:
    services: Services
    actor: Actor
    settings: Settings
    hub: ChangeHub
