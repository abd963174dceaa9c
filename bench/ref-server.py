#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The outside reference of make bench's section (h): Python's
ThreadingHTTPServer serving one file as the feed server does: the file
read and hashed (SHA-256, its first 128 bits as the ETag) on every
request, 304 for a matching If-None-Match, one request per connection.

Usage: ref-server.py FILE; listens on 127.0.0.1 on a free port and
prints that port on a line of its own.
"""
import hashlib
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = sys.argv[1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        with open(PATH, "rb") as feed:
            body = feed.read()
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:32]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Connection", "close")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
