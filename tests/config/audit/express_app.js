// Express + the cors package for tst_audit_live: one path per way real projects configure it,
// each wrong in one way except /allowlist. node express_app.js PORT
'use strict';
const express = require('express');
const cors = require('cors');

const TRUSTED = 'https://app.example.com';
// Only what the front end sends: the cors package reflects Access-Control-Request-Headers when
// allowedHeaders is left unset.
const HEADERS = ['Content-Type'];

const endpoints = {
  // The copy-pasted "make CORS work" fix: every origin, with cookies, every requested header.
  '/reflect': { origin: true, credentials: true },
  // Meant as "our app": a RegExp is neither anchored nor are its dots escaped.
  '/regex': { origin: /app.example.com/, credentials: true, allowedHeaders: HEADERS },
  // "Anything on our domain": no dot before the domain, and any scheme.
  '/endswith': {
    origin: (origin, callback) => callback(null, Boolean(origin) && origin.endsWith('example.com')),
    credentials: true,
    allowedHeaders: HEADERS,
  },
  // "Starts with our app": so does app.example.com.attacker.test.
  '/startswith': {
    origin: (origin, callback) => callback(null, Boolean(origin) && origin.startsWith(TRUSTED)),
    credentials: true,
    allowedHeaders: HEADERS,
  },
  // 'null' added for a page opened from file:// during development.
  '/null': { origin: [TRUSTED, 'null'], credentials: true, allowedHeaders: HEADERS },
  // The right allowlist, but the preflight grants whatever header is asked for.
  '/headers': { origin: [TRUSTED], credentials: true },
  // Right: one origin, credentials, a fixed list of headers (the package sends Vary: Origin).
  '/allowlist': {
    origin: [TRUSTED],
    credentials: true,
    allowedHeaders: HEADERS,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
  },
};

const app = express();
for (const [path, options] of Object.entries(endpoints)) {
  app.all(path, cors(options), (req, res) => {
    res.set('X-Total-Count', '42');
    res.json({ user: 'alice', path });
  });
}

app.listen(Number(process.argv[2]), '127.0.0.1');
