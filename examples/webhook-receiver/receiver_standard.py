import os
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks import Webhook, WebhookVerificationError  # pip install standardwebhooks

hook = Webhook(os.environ["WEBHOOK_SECRET"])  # whsec_…, shown once when you registered it


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:  # the signature, and a timestamp within 5 minutes (an older one may be a replay)
            event = hook.verify(body, dict(self.headers))
        except (WebhookVerificationError, ValueError):  # ValueError: a malformed header
            event = None
        self.send_response(204 if event else 401)
        self.end_headers()
        if event:  # an event may come twice: skip an id (event["id"]) you have seen
            print(event["id"], event["type"], event["data"])


if __name__ == "__main__":
    HTTPServer(("", 8000), Receiver).serve_forever()
