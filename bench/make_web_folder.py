#!/usr/bin/env python3
"""Writes a synthetic, deterministic web application folder for bench/backup.sh.

    python3 bench/make_web_folder.py DEST [--files 100000] [--folders 1000] [--seed 20261122]
                                          [--sizes small|dotnet]

DEST must not exist or be empty. The folder looks like an IIS web application
(Secret Server's C:\\inetpub\\wwwroot\\SecretServer): about --folders folders 1 to 4
levels deep (most 2 to 4), about --files / --folders files in each, names in mixed
case with some spaces and dots, encryption.config and web.config at the top. Sizes
(--sizes small, the default) are mostly 0 to 8 KiB; about 1 file in 200 is 8 KiB to
1 MiB. With --sizes dotnet, as a .NET web application: 1 to 64 KiB (log-uniform),
about 1 file in 400 is 1 to 4 MiB (a .dll). Text-like files
(.js, .css, .aspx, .config, ...) hold compressible pseudo-text, binary ones (.dll,
.png, ...) incompressible bytes, so a zip of the folder behaves like a real one.
Prints the file count, folder count and total size on one line.
"""

import argparse
import os
import random
import sys

TOP = ["App_Data", "bin", "Content", "Scripts", "Areas", "Views", "images",
       "Web Services", "RestApi", "Themes", "lib", "Resources", "ClientApp",
       "Dashboards", "Reports", "SignalR", "fonts", "Help", "css", "Installer"]
PARTS = ["Admin", "Secrets", "Folders", "Launchers", "Shared", "Common", "Components",
         "Dialogs", "Widgets", "en-US", "de-DE", "fr-FR", "ja-JP", "Templates", "Icons",
         "jquery.ui", "Kendo UI", "Bootstrap 4", "angular", "Session Recording",
         "Discovery", "Heartbeat", "Distributed Engine", "Policies", "Workflows",
         "RPC", "Sdk.Client", "legacy", "v2", "Partials", "Editors", "Grid", "Charts"]
TEXT_EXT = [".js", ".min.js", ".css", ".min.css", ".aspx", ".ascx", ".cshtml",
            ".config", ".resx", ".xml", ".json", ".html", ".map", ".txt", ".svg",
            ".asmx", ".ashx", ".Master", ".js.map", ".d.ts"]
BIN_EXT = [".dll", ".png", ".gif", ".jpg", ".ico", ".woff2", ".ttf", ".pdb", ".exe"]
STEMS = ["jquery", "Thycotic.Web", "SecretServer.Core", "site", "Login", "Default",
         "SecretView", "folder tree", "Copy of Settings", "bootstrap.bundle", "kendo.all",
         "Report Template", "app.module", "main", "polyfills", "runtime.es2015",
         "Newtonsoft.Json", "System.Web.Mvc", "Microsoft.Owin", "Global", "Web",
         "error page", "logo", "favicon", "Audit Log", "PasswordChanger", "vendor",
         "styles", "Resources.en", "DataGrid", "ModalDialog", "LaunchRDP", "ssh terminal"]
WORDS = ("function var return secret server folder value config key class div span "
         "table row column input button select option template binding model view "
         "controller service provider module export import const let if else for "
         "while true false null undefined string number object array promise async "
         "await this new typeof instanceof width height margin padding color border "
         "display flex grid font size weight <div> </div> <span> {{ }} => ; , . ( ) "
         "[ ] = == === != && || + - * / % ! ?").split()

# Buffers the file contents are sliced from: large enough that slices rarely repeat.
BUF = 4 * 1024 * 1024
LARGE_MAX = 1024 * 1024
KIB = 1024
MIB = 1024 * 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest")
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--folders", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--sizes", choices=("small", "dotnet"), default="small")
    a = ap.parse_args()
    if os.path.exists(a.dest) and os.listdir(a.dest):
        print(f"{a.dest} exists and is not empty", file=sys.stderr)
        return 2
    rng = random.Random(a.seed)

    # Pseudo-source: words and lines of varying length, longer than the buffer.
    lines = []
    size = 0
    while size < BUF:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 16)))
        lines.append(line)
        size += len(line) + 1
    text = "\n".join(lines).encode()[:BUF]
    binary = rng.randbytes(BUF)

    # Folders: random paths of depth 2 to 4 (plus their prefixes) until there are enough.
    # Names are unique case-insensitively, as on NTFS.
    folders = {"": ""}  # folded relative path -> spelled relative path
    while len(folders) - 1 < a.folders:
        depth = rng.choice((2, 3, 3, 4))
        spelled = rng.choice(TOP)
        folded = spelled.lower()
        folders.setdefault(folded, spelled)
        spelled = folders[folded]
        for _ in range(depth - 1):
            name = rng.choice(PARTS)
            if rng.random() < 0.5:
                name = f"{name}{rng.randrange(1, 40)}"
            folded = f"{folded}/{name.lower()}"
            folders.setdefault(folded, f"{spelled}/{name}")
            spelled = folders[folded]
            if len(folders) - 1 >= a.folders:
                break
    dirs = sorted(folders.values())

    # Files per folder: about equal, the top folder holding a few configuration files.
    top_files = [("encryption.config", 2048, False), ("web.config", 24 * 1024, False),
                 ("Global.asax", 120, False), ("packages.config", 3000, False)]
    remaining = a.files - len(top_files)
    counts = [0] * len(dirs)
    per = remaining / len(dirs)
    for i in range(len(dirs)):
        counts[i] = max(0, int(rng.uniform(0.5, 1.5) * per))
    diff = remaining - sum(counts)
    i = 0
    while diff != 0:
        step = 1 if diff > 0 else -1
        if counts[i % len(dirs)] + step >= 0:
            counts[i % len(dirs)] += step
            diff -= step
        i += 1

    total = 0
    nfiles = 0

    def write(path: str, size: int, is_binary: bool) -> None:
        nonlocal total, nfiles
        src = binary if is_binary else text
        off = rng.randrange(BUF - size + 1)
        with open(path, "wb") as f:
            f.write(src[off:off + size])
        total += size
        nfiles += 1

    os.makedirs(a.dest, exist_ok=True)
    for d in dirs:
        if d:
            os.makedirs(os.path.join(a.dest, d), exist_ok=True)
    for name, size, is_binary in top_files:
        write(os.path.join(a.dest, name), size, is_binary)
    for d, n in zip(dirs, counts):
        base = os.path.join(a.dest, d) if d else a.dest
        for k in range(n):
            is_binary = rng.random() < 0.25
            ext = rng.choice(BIN_EXT if is_binary else TEXT_EXT)
            large = a.sizes == "dotnet" and rng.random() < 0.0025
            if large:
                is_binary, ext = True, ".dll"
            stem = rng.choice(STEMS)
            if rng.random() < 0.3:
                stem = stem.upper() if rng.random() < 0.3 else stem.capitalize()
            # The counter keeps names unique case-insensitively.
            name = f"{stem}.{k}{ext}" if rng.random() < 0.5 else f"{stem} {k}{ext}"
            if a.sizes == "dotnet":
                low, high = (MIB, BUF) if large else (KIB, 64 * KIB)
                size = int(low * (high / low) ** rng.random())
            elif rng.random() < 0.005:
                size = int(8192 * (LARGE_MAX / 8192) ** rng.random())
            else:
                size = rng.randrange(8193)
            write(os.path.join(base, name), size, is_binary)
    print(f"{nfiles} files, {len(dirs)} folders, {total} bytes ({total / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
