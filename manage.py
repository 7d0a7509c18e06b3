#!/usr/bin/env python
import os
import sys


def main():
    # An empty DJANGO_SETTINGS_MODULE (as some tools pass) counts as unset.
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "mountainpartnership.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
