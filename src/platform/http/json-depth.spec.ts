import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth';

describe('jsonDepthExceeds', () => {
  it('passes ordinary bodies and exactly MAX_JSON_DEPTH levels', () => {
    expect(jsonDepthExceeds('{"wallet":"0x1","meta":{"a":[1,{"b":[]}]}}')).toBe(false);
    expect(jsonDepthExceeds('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
  });

  it('refuses one level more, a 64 KiB bomb, and counts sibling nesting by depth, not by bracket count', () => {
    expect(jsonDepthExceeds('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds('['.repeat(64 * 1024))).toBe(true);
    expect(jsonDepthExceeds('[' + '[],'.repeat(1000) + '[]]')).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ note: '['.repeat(100) }))).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ note: '\\"' + '{'.repeat(100) }))).toBe(false);
  });
});
