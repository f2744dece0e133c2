; Inno Setup script: a per-user install of the PyInstaller folder.
[Setup]
AppName=hsp-desktop
AppVersion=0.1.0
DefaultDirName={localappdata}\Programs\hsp-desktop
DefaultGroupName=hsp-desktop
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=hsp-desktop-setup

[Files]
Source: "..\dist\hsp-desktop\*"; DestDir: "{app}"; Flags: recursesubdirs

[Icons]
Name: "{group}\hsp-desktop"; Filename: "{app}\hsp-desktop.exe"
Name: "{group}\hsp-desktop demo school"; Filename: "{app}\hsp-desktop.exe"; Parameters: "--demo"
