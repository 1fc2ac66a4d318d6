// Baseline for bench/ingest: a bare node:http server that reads the body, parses it, answers 202.
import http from "node:http";

const port = Number(process.argv[2]);
http
  .createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(202, { "content-type": "application/json" }).end('{"accepted":true}');
    });
  })
  .listen(port, "127.0.0.1", () => console.log("ready"));
