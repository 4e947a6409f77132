import { adminTokenFrom, isBoardRequest } from './queue-board';

describe('queue board guard', () => {
  it('covers the board page, its API and its assets by route pattern', () => {
    expect(isBoardRequest('/admin/queues', '/admin/queues')).toBe(true);
    expect(isBoardRequest('/admin/queues/api/queues', '/admin/queues/api/queues?x=1')).toBe(true);
    expect(isBoardRequest('/admin/queues/static/*', '/admin/queues/static/main.js')).toBe(true);
  });

  it('is not fooled by percent-encoding, case or doubled slashes in the raw URL', () => {
    // the router decodes %71 to q and matches the board's route: the pattern catches it ...
    expect(isBoardRequest('/admin/queues/api/queues', '/admin/%71ueues/api/queues')).toBe(true);
    // ... and so does the decoded raw path when no pattern matched
    expect(isBoardRequest(undefined, '/admin/%71ueues/api/queues')).toBe(true);
    expect(isBoardRequest(undefined, '/ADMIN/QUEUES/api/queues')).toBe(true);
    expect(isBoardRequest(undefined, '//admin//queues/api')).toBe(true);
    expect(isBoardRequest(undefined, '/admin/queues%2Fapi%2Fqueues')).toBe(true);
  });

  it('leaves other routes alone', () => {
    expect(isBoardRequest('/v1/claims', '/v1/claims')).toBe(false);
    expect(isBoardRequest('/admin/queuesx', '/admin/queuesx')).toBe(false);
    expect(isBoardRequest(undefined, '/docs')).toBe(false);
  });

  it('reads the token from X-Admin-Token or Bearer only, never Basic (a browser resends it cross-site)', () => {
    expect(adminTokenFrom({ 'x-admin-token': 't1' })).toBe('t1');
    expect(adminTokenFrom({ authorization: 'Bearer t2' })).toBe('t2');
    expect(adminTokenFrom({ authorization: `Basic ${Buffer.from('admin:t3').toString('base64')}` })).toBeNull();
    expect(adminTokenFrom({ authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` })).toBeNull();
    expect(adminTokenFrom({})).toBeNull();
  });
});
