#!/usr/bin/env python3
"""tests/tools/dns-answer.py ADDR: a LAN router's DNS server for the tests,
on ADDR port 53 (UDP): every question gets a reply with no records
(NOERROR), which is all `setup --try` asks of the network.  Runs until killed."""
import socket
import struct
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
while True:
    q, peer = s.recvfrom(512)
    if len(q) < 12:
        continue
    qid, flags = struct.unpack(">HH", q[:4])
    # QR, the question's opcode and RD, RA; one question, no answers
    s.sendto(struct.pack(">HHHHHH", qid, 0x8180 | (flags & 0x0100), 1, 0, 0, 0) + q[12:], peer)
