// Express for tst_server_config_live: the generated snippet, then one route. node app.js PORT
'use strict';
const express = require('express');

const app = express();

// CORSLAB_SNIPPET

app.all('/data', (req, res) => {
  res.set('X-Total-Count', '42');
  res.type('text/plain').send('ok');
});

const port = Number(process.argv[2]);
app.listen(port, '127.0.0.1');
