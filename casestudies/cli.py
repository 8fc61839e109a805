"""Command-line verbs of the case studies: ``clusterlab cases`` and ``clusterlab dashboards``."""

from __future__ import annotations

import argparse

from clusterlab.errors import CommandError


def _command_error(message: str) -> Exception:
    return CommandError(message)


# ------------------------------------------------------------------------------------ cases
def _cases(args) -> int:
    from . import CaseFileError, list_cases, load_case

    names = args.names or list_cases()
    if not names:
        raise _command_error("no case files found (casestudies/<name>/case.yaml)")
    failed = 0
    for name in names:
        try:
            case = load_case(name)
        except CaseFileError as exc:
            failed += 1
            print(f"{name}: BROKEN\n  {exc}")
            continue
        numbers = list(case.figures())
        rebuilt = sum(1 for n in numbers if n.basis == "reconstructed")
        print(f"{name}: ok - {case.title}; {len(numbers)} sourced figures "
              f"({rebuilt} reconstructed for teaching), {len(case.timeline)} dated events")
    return 1 if failed else 0


# ------------------------------------------------------------------------------- dashboards
def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (1-65535)")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def _export(folder: str) -> int:
    """``clusterlab dashboards --export DIR``: write the static edition instead of serving."""
    from pathlib import Path

    from . import CaseFileError
    from .public.static_edition import StaticEditionError, export

    try:
        written = export(Path(folder))
    except CaseFileError as exc:
        raise _command_error(f"a case file is broken, so the static edition was not written:\n{exc}") from None
    except StaticEditionError as exc:
        raise _command_error(str(exc)) from None
    print(written.report())
    return 0


def _dashboards(args) -> int:
    if args.export is not None:
        return _export(args.export)
    from clusterlab.patches import PatchError

    from . import CaseFileError
    from .public.dashboards import ServerOptions, port_is_free, serve

    base_url = "/" + args.base_url.strip("/") + "/" if args.base_url.strip("/") else "/"
    options = ServerOptions(
        host=args.host, port=args.port, preheat=args.preheat, pool_size=max(1, args.pool_size),
        idle_timeout=args.idle_timeout, max_kernels=args.max_kernels, base_url=base_url,
        max_per_client=args.max_per_client, connect_timeout=args.connect_timeout, strike_wait=args.strike_wait,
        kernel_memory_mb=args.kernel_memory, public_hosts=tuple(args.public_host),
        trusted_proxies=tuple(args.trusted_proxy),
    )
    try:
        from .public.visitors import parse_networks
        parse_networks(options.trusted_proxies)
    except ValueError as exc:
        raise _command_error(f"--trusted-proxy: {exc}") from None
    if not port_is_free(options.host, options.port):
        raise _command_error(
            f"cannot listen on {options.host} port {options.port}: it is in use or not allowed. "
            "Stop the other server or choose another port with --port."
        )
    try:
        return serve(options)
    except CaseFileError as exc:
        raise _command_error(f"a case file is broken, so the dashboards were not started:\n{exc}") from None
    except PatchError as exc:
        raise _command_error(str(exc)) from None
    except (FileNotFoundError, RuntimeError) as exc:
        raise _command_error(str(exc)) from None
    except SystemExit as exc:  # Voila exits when it cannot listen
        if exc.code:
            raise _command_error(
                f"the dashboard server stopped (cannot listen on {options.host} port {options.port}?)"
            ) from None
        return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "cases",
        help="check the case files and summarise them",
        description="Load and check the case files (casestudies/<name>/case.yaml); report any "
        "broken field with the file, the field and the reason.",
    )
    p.add_argument("names", nargs="*", metavar="CASE", help="cases to check (default: all)")
    p.set_defaults(handler=_cases)

    p = subparsers.add_parser(
        "dashboards",
        help="serve the public case dashboards",
        description="Serve the case dashboards (Igualada, Prato, Huddersfield and a landing page) "
        "with Voila, in a configuration fit for the public: only the dashboards are reachable, no "
        "code is shown or run from the page, idle kernels are shut down. Ctrl-C stops it.",
    )
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=_port, default=8866, help="port to listen on (default 8866)")
    p.add_argument("--preheat", action="store_true",
                   help="keep kernels ready with each dashboard already run, so pages open faster "
                   "(holds memory: about 110 MB per ready kernel)")
    p.add_argument("--pool-size", type=_non_negative, default=1,
                   help="with --preheat: kernels kept ready per dashboard (default 1)")
    p.add_argument("--idle-timeout", type=_non_negative, default=600,
                   help="seconds of inactivity after which a visitor's kernel is shut down (default 600)")
    p.add_argument("--max-kernels", type=_non_negative, default=20,
                   help="most visitors served at once; further visitors are asked to come back "
                   "later (default 20; 0: as many as the open-file limit allows)")
    p.add_argument("--max-per-client", type=_non_negative, default=4,
                   help="most dashboards one client address may have open at once (default 4; 0 for no limit)")
    p.add_argument("--connect-timeout", type=_non_negative, default=45,
                   help="seconds a page has to connect to its kernel before the kernel is released (default 45)")
    p.add_argument("--strike-wait", type=_non_negative, default=30, metavar="SECONDS",
                   help="after a view that never connected, its client address waits this long for "
                   "the next view, twice as long after each further one (a page cut off for misbehaving "
                   "counts twice), at most 10 minutes (default 30; 0 for no wait)")
    p.add_argument("--kernel-memory", type=_non_negative, default=1024, metavar="MB",
                   help="memory (address space) each dashboard kernel may use (default 1024; 0 for no limit)")
    p.add_argument("--public-host", action="append", default=[], metavar="NAME",
                   help="a host name visitors use to reach the server (e.g. dashboards.example.org); "
                   "requests for any other host are refused. Loopback names are always served. Repeatable.")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                   help="address or network of a reverse proxy in front of the server; its "
                   "X-Forwarded-For and X-Forwarded-Proto headers are believed. Repeatable.")
    p.add_argument("--base-url", default="/",
                   help="path prefix when served behind a reverse proxy (default /)")
    p.add_argument("--export", metavar="DIR",
                   help="do not serve: write the dashboards as static pages into DIR (HTML, scripts, data), "
                   "for any static web host or to open from disk; DIR must be new, empty or an earlier export")
    p.set_defaults(handler=_dashboards)
