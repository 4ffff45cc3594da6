"""Peak memory and time of a large upload's work in the task worker: the master and every
rendition, for a 48 MP JPEG and a 100 MP PNG (README "Photos").

    DEBUG=1 .venv/bin/python scripts/photo_memory.py [--keep DIR]

Each photo is processed in a fresh process (as a worker's task would be after start-up);
its peak resident memory (ru_maxrss) and the process's RSS before decoding are printed.
The 48 MP JPEG is a camera-like picture (noise and gradients, quality 92, EXIF
orientation 6); the 100 MP PNG a smooth gradient (PNG decoding costs the same whatever
the content: every pixel is held once decoded).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_inputs(folder):
    from PIL import Image

    jpeg, png = folder / "48mp.jpg", folder / "100mp.png"
    if not jpeg.exists():
        base = Image.merge(
            "RGB",
            [
                Image.effect_noise((2000, 1500), 60),
                Image.linear_gradient("L").resize((2000, 1500)),
                Image.radial_gradient("L").resize((2000, 1500)),
            ],
        )
        exif = Image.Exif()
        exif[0x0112] = 6
        base.resize((8000, 6000), Image.Resampling.BICUBIC).save(
            jpeg, "JPEG", quality=92, exif=exif
        )
    if not png.exists():
        gradient = Image.linear_gradient("L").resize((12_247, 8_165))
        Image.merge(
            "RGB", [gradient, gradient.transpose(Image.Transpose.ROTATE_180), gradient]
        ).save(png, "PNG", compress_level=1)
    return [jpeg, png]


def peak_rss_mb():
    """This process's peak resident memory (VmHWM: since exec, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def child(path, media):
    """The worker's work on one upload: master, then every use's renditions."""
    os.environ["MEDIA_ROOT"] = media
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.core.files.storage import default_storage

    from articles.media import renditions
    from articles.media.images import make_master

    before = peak_rss_mb()
    started = time.perf_counter()
    with open(path, "rb") as upload:
        master, width, height = make_master(upload)
    name = default_storage.save(f"foto/ukur/{master.name}", master)
    master_seconds = time.perf_counter() - started
    made = 0
    for use in renditions.USES.values():
        made += len(renditions.make_renditions(name, use, (500, 500) if use.aspect else ()).every)
    print(
        json.dumps(
            {
                "file": Path(path).name,
                "master": f"{width}x{height}",
                "renditions": made,
                "master_s": round(master_seconds, 2),
                "total_s": round(time.perf_counter() - started, 2),
                "rss_before_mb": before,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="folder for the generated inputs (made once)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="photo-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    for path in make_inputs(folder):
        with tempfile.TemporaryDirectory() as media:
            subprocess.run(
                [sys.executable, __file__, "--child", str(path), media], check=True, env=os.environ
            )


if __name__ == "__main__":
    main()
