import { redactRpcError, redactRpcUrl, rpcHost, rpcUrlSecrets } from './rpc-url';

describe('RPC URL redaction', () => {
  const url = 'https://eth-mainnet.example.com/v2/secret-rpc-key-0123';

  it('logs only the scheme and host', () => {
    expect(rpcHost(url)).toBe('https://eth-mainnet.example.com');
    expect(rpcHost('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    expect(rpcHost('not a url')).toBe('[REDACTED]');
  });

  it('removes the URL, its path, its long segments, query keys and credentials from any text', () => {
    const text = `server response 500 (info={ "requestUrl": "${url}", "responseBody": "key secret-rpc-key-0123 over quota" }) path /v2/secret-rpc-key-0123`;
    const out = redactRpcUrl(text, url);
    expect(out).not.toContain('secret-rpc-key-0123');
    expect(out).toContain('https://eth-mainnet.example.com/[REDACTED]');
    const q = 'https://rpc.example.org/?apikey=QUERYSECRETVALUE42';
    expect(redactRpcUrl(`GET ${q} failed; apikey QUERYSECRETVALUE42`, q)).not.toContain('QUERYSECRETVALUE42');
    const cred = 'https://alice:PassW0rdSecret@node.example.net';
    expect(redactRpcUrl(`connect ${cred} refused; PassW0rdSecret`, cred)).not.toContain('PassW0rdSecret');
  });

  it('leaves a plain local URL and unrelated text alone', () => {
    expect(rpcUrlSecrets('http://127.0.0.1:8545')).toEqual([]);
    expect(redactRpcUrl('nonce too low: next nonce 7', 'http://127.0.0.1:8545')).toBe('nonce too low: next nonce 7');
  });

  it('scrubs an ethers-like error in place, nested info included', () => {
    const err = Object.assign(new Error(`server response 500 (requestUrl="${url}")`), { info: { requestUrl: url, responseBody: 'x' } });
    redactRpcError(err);
    expect(err.message).not.toContain('secret-rpc-key-0123');
    expect(err.info.requestUrl).not.toContain('secret-rpc-key-0123');
    expect(JSON.stringify(err.info)).not.toContain('secret-rpc-key-0123');
  });
});
