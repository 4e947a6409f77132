'use strict';
// The baseline of the API bench: a bare Fastify route on the same machine, with the same body limit, that
// parses a claim-sized JSON body and answers 201 with a small JSON object. No Nest, no database.
const fastify = require('fastify')({ bodyLimit: 64 * 1024, logger: false });

fastify.post('/bare', async (req, reply) => {
  const b = req.body || {};
  reply.code(201);
  return { id: '00000000-0000-4000-8000-000000000000', wallet: b.wallet, token: b.token, amount: b.amount, reason: b.reason, status: 'pending' };
});

fastify.listen({ port: Number(process.env.PORT || 0), host: '127.0.0.1' }).then((address) => {
  console.log(`bare fastify listening on ${address}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.once(sig, () => fastify.close().then(() => process.exit(0)));
