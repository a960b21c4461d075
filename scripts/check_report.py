#!/usr/bin/env python3
"""Checks that an `oml report` page renders in headless Chromium: plots drawn, no console error.

Opens REPORT.html in headless Chromium (Debian's `chromium` package) through the Chrome DevTools
Protocol, over a minimal websocket client (Python's standard library only), and:

  1. fails on any console error: `Runtime.consoleAPICalled` of type error or assert,
     `Runtime.exceptionThrown`, `Log.entryAdded` of level error; and on any request for
     anything but a file:, data: or about: URL (the report must be self-contained);
  2. finds every `<figure class="plot">` and checks that it and its `<svg>` have a non-zero
     size and that the SVG holds drawn elements (a non-empty `getBBox()`);
  3. takes a PNG screenshot of the whole page (viewport as tall as the page) and saves it to
     OUT.png;
  4. with --require SELECTOR (repeatable), checks that the page has that element (the
     failures section: `--require '#failures'`), laid out with a non-zero box whose pixels in
     the screenshot are not all white;
  5. decodes the PNG (zlib, by hand) and, inside each figure's SVG box, counts the pixels that
     are not white (at least --min-ink percent) and the flow colours listed in the figure's
     `data-colors` attribute that appear (at least min(--min-colours, listed) of them, each on
     at least --min-pixels pixels, within --tolerance per channel): a plot that did not render
     fails here.

Usage:
    python3 scripts/check_report.py REPORT.html OUT.png [--chromium /usr/bin/chromium]

Prints one line per figure and a summary; exits 0 when every check passes, 1 when one fails,
2 when Chromium cannot be started or spoken to.
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

WHITE_LIMIT = 245  # a pixel whose channels are all at least this counts as white


class CheckError(Exception):
    """Chromium cannot be started or spoken to (exit code 2)."""


# --- A minimal websocket client (RFC 6455), enough for the DevTools protocol. ---------------


class WebSocket:
    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, host, port, path, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise CheckError("websocket handshake: connection closed")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise CheckError(f"websocket handshake refused: {lines[0]}")
        accept = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
        headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
        if headers.get("sec-websocket-accept") != accept:
            raise CheckError("websocket handshake: bad Sec-WebSocket-Accept")

    def _exact(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise CheckError("websocket closed by Chromium")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        key = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
        self.sock.sendall(header + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode())

    def recv(self, timeout):
        """The next text message; `socket.timeout` after `timeout` seconds."""
        self.sock.settimeout(max(timeout, 0.01))
        message, opcode = b"", None
        while True:
            b0, b1 = self._exact(2)
            fin, op, n = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            payload = self._exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if op == 0x8:
                raise CheckError("websocket closed by Chromium")
            if op == 0x9:
                self._send_frame(0xA, payload)
                continue
            if op == 0xA:
                continue
            if op in (0x1, 0x2):
                opcode, message = op, payload
            elif op == 0x0:
                message += payload
            if fin and opcode is not None:
                return message.decode()

    def close(self):
        try:
            self._send_frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()


# --- The DevTools protocol over one browser connection (flat sessions). ---------------------


class DevTools:
    def __init__(self, ws, deadline):
        self.ws, self.deadline, self.next_id, self.events = ws, deadline, 0, []

    def remaining(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise CheckError("timed out talking to Chromium")
        return left

    def _receive(self):
        try:
            return json.loads(self.ws.recv(self.remaining()))
        except socket.timeout:
            raise CheckError("timed out waiting for Chromium") from None

    def call(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise CheckError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method, session):
        def seen():
            return any(e["method"] == method and e.get("sessionId") == session for e in self.events)

        while not seen():
            reply = self._receive()
            if "method" in reply:
                self.events.append(reply)

    def evaluate(self, expression, session, await_promise=False):
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": await_promise},
            session,
        )
        if "exceptionDetails" in result:
            raise CheckError(f"evaluating in the page: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")


# --- PNG decoding (8-bit RGB or RGBA, not interlaced), standard library only. ----------------

ADD = bytes(i & 0xFF for i in range(512))


def decode_png(data):
    """(width, height, bytes per pixel, rows): each row the unfiltered bytes of a scanline."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prior = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1 : start + 1 + stride]
        if kind == 0:
            row = line
        elif kind == 2:
            row = bytes(map(ADD.__getitem__, map(int.__add__, line, prior)))
        else:
            row = bytearray(line)
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                if kind == 1:
                    row[i] = (row[i] + left) & 0xFF
                elif kind == 3:
                    row[i] = (row[i] + ((left + prior[i]) >> 1)) & 0xFF
                elif kind == 4:
                    up, up_left = prior[i], prior[i - bpp] if i >= bpp else 0
                    p = left + up - up_left
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                    pred = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                    row[i] = (row[i] + pred) & 0xFF
                else:
                    raise ValueError(f"row {y}: unknown filter {kind}")
            row = bytes(row)
        rows.append(row)
        prior = row
    return width, height, bpp, rows


def colour_counts(png, box):
    """Counter of (r, g, b) over the pixels of `box` = (x0, y0, x1, y1), clipped to the image."""
    width, height, bpp, rows = png
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(width, box[2]), min(height, box[3])
    counts = Counter()
    for y in range(y0, y1):
        part = rows[y][x0 * bpp : x1 * bpp]
        counts.update(zip(part[0::bpp], part[1::bpp], part[2::bpp]))
    return counts


def parse_hex(colour):
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


# --- The check. ------------------------------------------------------------------------------

FIGURES_JS = """(() => {
  const out = [];
  for (const fig of document.querySelectorAll('figure.plot')) {
    const r = fig.getBoundingClientRect();
    const svg = fig.querySelector('svg');
    let s = null;
    if (svg) {
      const q = svg.getBoundingClientRect();
      let bbox = null;
      try { const b = svg.getBBox(); bbox = [b.width, b.height]; } catch (e) {}
      s = {x: q.left + scrollX, y: q.top + scrollY, width: q.width, height: q.height, bbox,
           elements: svg.querySelectorAll('*').length, texts: svg.querySelectorAll('text').length,
           visible: svg.checkVisibility ? svg.checkVisibility() : true};
    }
    out.push({id: fig.id, colors: (fig.dataset.colors || '').split(/\\s+/).filter(Boolean),
              x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height, svg: s});
  }
  return out;
})()"""

SETTLE_JS = """document.fonts.ready.then(() => new Promise(done =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))"""


def console_errors(events):
    """The console errors, exceptions and external requests among the protocol's events."""
    errors = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            errors.append(f"exception: {text}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            errors.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.split(":", 1)[0] in ("file", "data", "about"):
                errors.append(f"external request: {url}")
    return errors


def start_chromium(binary, profile, log):
    args = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--remote-debugging-port=0",
        "about:blank",
    ]
    try:
        return subprocess.Popen(args, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as e:
        raise CheckError(f"cannot start {binary}: {e}") from None


def stop_chromium(process):
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def devtools_port(profile, process, deadline):
    port_file = Path(profile) / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CheckError(f"Chromium exited with code {process.returncode} before listening")
        try:
            lines = port_file.read_text().split("\n")
            if len(lines) >= 2 and lines[0].strip() and lines[1].strip():
                return int(lines[0]), lines[1].strip()
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.05)
    raise CheckError(f"Chromium wrote no {port_file} in time")


def check(args):
    report = Path(args.report).resolve()
    if not report.is_file():
        raise CheckError(f"{report}: no such file")
    deadline = time.monotonic() + args.timeout
    profile = tempfile.mkdtemp(prefix="oml-check-report-")
    log_path = Path(profile + ".log")
    process, ws = None, None
    try:
        with open(log_path, "wb") as log:
            process = start_chromium(args.chromium, profile, log)
            port, path = devtools_port(profile, process, deadline)
            ws = WebSocket("127.0.0.1", port, path, timeout=max(1.0, deadline - time.monotonic()))
            cdp = DevTools(ws, deadline)
            target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime", "Log", "Page", "Network"):
                cdp.call(f"{domain}.enable", session=session)
            metrics = {"width": args.width, "height": 900, "deviceScaleFactor": 1, "mobile": False}
            cdp.call("Emulation.setDeviceMetricsOverride", metrics, session)
            navigated = cdp.call("Page.navigate", {"url": report.as_uri()}, session)
            if navigated.get("errorText"):
                raise CheckError(f"navigating to {report.as_uri()}: {navigated['errorText']}")
            cdp.wait_for("Page.loadEventFired", session)
            cdp.evaluate(SETTLE_JS, session, await_promise=True)
            height = int(cdp.evaluate("Math.ceil(document.documentElement.scrollHeight)", session))
            metrics["height"] = height
            cdp.call("Emulation.setDeviceMetricsOverride", metrics, session)
            cdp.evaluate(SETTLE_JS, session, await_promise=True)
            figures = cdp.evaluate(FIGURES_JS, session)
            required = [
                cdp.evaluate(
                    "(() => { const e = document.querySelector(%s); if (!e) return null; "
                    "const r = e.getBoundingClientRect(); return {x: r.x + window.scrollX, "
                    "y: r.y + window.scrollY, width: r.width, height: r.height, "
                    "text: e.innerText.length}; })()" % json.dumps(selector),
                    session,
                )
                for selector in args.require
            ]
            shot = cdp.call(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "optimizeForSpeed": True,
                    "clip": {"x": 0, "y": 0, "width": args.width, "height": height, "scale": 1},
                },
                session,
            )
            cdp.evaluate(SETTLE_JS, session, await_promise=True)  # late console events
            events = list(cdp.events)
    except CheckError as e:
        tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
        raise CheckError(f"{e}\n--- chromium's output (end) ---\n{tail}") from None
    finally:
        if ws:
            ws.close()
        if process:
            stop_chromium(process)
        shutil.rmtree(profile, ignore_errors=True)
        log_path.unlink(missing_ok=True)

    png_bytes = base64.b64decode(shot["data"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png_bytes)
    started = time.monotonic()
    png = decode_png(png_bytes)
    decode_s = time.monotonic() - started

    failures = []
    for error in console_errors(events):
        failures.append(error)
        print(f"FAIL console  {error}")
    if not figures:
        failures.append("no <figure class=\"plot\"> in the page")
    for selector, box in zip(args.require, required):
        if box is None or box["width"] < 1 or box["height"] < 1:
            failures.append(f"{selector}: not in the page, or laid out with no size ({box})")
            print(f"FAIL {selector}: {box}")
            continue
        area = (int(box["x"]), int(box["y"]), int(box["x"] + box["width"]), int(box["y"] + box["height"]))
        counts = colour_counts(png, area)
        total = sum(counts.values()) or 1
        ink = sum(n for c, n in counts.items() if min(c) < WHITE_LIMIT) / total * 100
        status = "ok  " if ink >= 0.5 else "FAIL"
        print(f"{status} {selector}: {box['width']:.0f}x{box['height']:.0f} px at y={box['y']:.0f}, "
              f"{box['text']} characters, ink {ink:.1f}%")
        if ink < 0.5:
            failures.append(f"{selector}: nothing drawn in its box")
    for fig in figures:
        problems = []
        svg = fig["svg"]
        name = fig["id"] or "(no id)"
        if fig["width"] < 1 or fig["height"] < 1:
            problems.append(f"figure box {fig['width']:.0f}x{fig['height']:.0f}")
        if svg is None:
            problems.append("no <svg>")
            print(f"FAIL {name}: {'; '.join(problems)}")
            failures.append(f"{name}: {'; '.join(problems)}")
            continue
        if svg["width"] < 1 or svg["height"] < 1 or not svg["visible"]:
            problems.append(f"svg box {svg['width']:.0f}x{svg['height']:.0f}, visible {svg['visible']}")
        if not svg["bbox"] or svg["bbox"][0] < 1 or svg["bbox"][1] < 1:
            problems.append(f"svg draws nothing (getBBox {svg['bbox']})")
        box = (
            int(round(svg["x"])),
            int(round(svg["y"])),
            int(round(svg["x"] + svg["width"])),
            int(round(svg["y"] + svg["height"])),
        )
        if box[2] > png[0] or box[3] > png[1]:
            problems.append(f"svg box {box} outside the {png[0]}x{png[1]} screenshot")
        counts = colour_counts(png, box)
        total = sum(counts.values()) or 1
        ink = sum(n for c, n in counts.items() if min(c) < WHITE_LIMIT) / total * 100
        found = []
        for colour in fig["colors"]:
            target = parse_hex(colour)
            hits = sum(
                n for c, n in counts.items() if all(abs(a - b) <= args.tolerance for a, b in zip(c, target))
            )
            if hits >= args.min_pixels:
                found.append(colour)
        needed = min(args.min_colours, len(fig["colors"]))
        if not fig["colors"]:
            problems.append("no data-colors listed")
        if ink < args.min_ink:
            problems.append(f"{ink:.1f}% ink < {args.min_ink}%")
        if len(found) < needed:
            missing = [c for c in fig["colors"] if c not in found]
            problems.append(f"{len(found)} of {needed} flow colours rendered (missing {' '.join(missing)})")
        status = "FAIL" if problems else "ok  "
        print(
            f"{status} {name:<12} figure {fig['width']:.0f}x{fig['height']:.0f} px at y={fig['y']:.0f}, "
            f"svg {svg['elements']} elements ({svg['texts']} texts), ink {ink:.1f}%, "
            f"colours {len(found)}/{len(fig['colors'])} [{' '.join(found)}]"
            + (f": {'; '.join(problems)}" if problems else "")
        )
        if problems:
            failures.append(f"{name}: {'; '.join(problems)}")
    print(
        f"{'FAIL' if failures else 'ok'}: {len(figures)} figures, {len(console_errors(events))} console errors, "
        f"screenshot {png[0]}x{png[1]} px ({len(png_bytes) // 1024} KiB, decoded in {decode_s:.1f} s) -> {out}"
    )
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report", help="the report's HTML file")
    parser.add_argument("out", help="where to save the full-page PNG screenshot")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--width", type=int, default=1200, help="viewport width in CSS pixels")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds for everything in Chromium")
    parser.add_argument("--min-ink", type=float, default=2.0, help="percent of non-white pixels per figure")
    parser.add_argument("--min-colours", type=int, default=3, help="flow colours each figure must show")
    parser.add_argument("--min-pixels", type=int, default=12, help="pixels a colour needs to count")
    parser.add_argument("--tolerance", type=int, default=8, help="per-channel colour tolerance")
    parser.add_argument("--require", action="append", default=[], metavar="SELECTOR",
                        help="an element the page must show (a CSS selector); repeatable")
    args = parser.parse_args()
    # Stopped from outside (a CI timeout): unwind, so that Chromium is killed and its profile
    # removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        sys.exit(check(args))
    except CheckError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
