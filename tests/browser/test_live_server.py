"""The browser tests' live server (conftest.live_server) itself."""
import gc
import socket
import struct
import time


def test_a_dropped_download_leaves_no_file_open(live_server):
    """A browser that navigates away drops the connections of a page's assets mid-response.
    werkzeug's development server then leaves the response's file open (its clean-up
    reads the reset socket first, which raises), and the open file's ResourceWarning
    failed a browser test at random (pytest.ini turns warnings into errors)."""
    host, port = live_server.removeprefix("http://").split(":")
    for _ in range(20):
        with socket.socket() as s:
            # A small receive window, so the server is still writing when the reset comes.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect((host, int(port)))
            s.sendall(b"GET /static/vendor/leaflet/leaflet.js HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(1000)
            # Close with a reset (linger 0), as a dropped connection does.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.05)
    time.sleep(0.5)
    gc.collect()
