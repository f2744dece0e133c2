from hsp_desktop.app import main

raise SystemExit(main())
