"""``python -m newsfuse.batch INPUT... --out DIR`` and ``spark-submit`` of this file.

spark-submit takes a .py file, not a module: give it this one,
``spark-submit --master spark://host:7077 $(python -c 'import newsfuse.batch.__main__ as m; print(m.__file__)')
INPUT... --out DIR``; without ``--master`` here the job uses spark-submit's.
"""

import sys


def main(argv: list[str] | None = None) -> None:
    from newsfuse.cli import main as cli_main

    sys.argv = ["newsfuse", "batch", *(sys.argv[1:] if argv is None else argv)]
    cli_main()


if __name__ == "__main__":
    main()
