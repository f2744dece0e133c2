"""Qt only. Talks to services, never to sessions or SQL."""

from hsp_desktop.gui.qtfix import keep_singletons_alive

keep_singletons_alive()
