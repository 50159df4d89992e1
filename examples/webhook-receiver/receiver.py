import base64
import hashlib
import hmac
import json
import os
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["WEBHOOK_SECRET"]  # whsec_…, shown once when you registered the webhook


def verified(headers, body: bytes) -> bool:
    msg_id, sent_at = headers["webhook-id"], headers["webhook-timestamp"]
    if not (msg_id and sent_at and sent_at.isdigit() and headers["webhook-signature"]):
        return False
    if abs(time.time() - int(sent_at)) > 300:
        return False  # more than 5 minutes old (or ahead): maybe a replay
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{sent_at}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    return any(hmac.compare_digest(expected, s) for s in headers["webhook-signature"].split())


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = verified(self.headers, body)
        self.send_response(204 if ok else 401)
        self.end_headers()
        if ok:  # an event may come twice: skip an id (event["id"]) you have seen
            event = json.loads(body)
            print(event["id"], event["type"], event["data"])


if __name__ == "__main__":
    HTTPServer(("", 8000), Receiver).serve_forever()
