import { expect } from 'chai';
import { ALL_OFFERING_KINDS } from '../../src/domain/offering-kind';
import { type FloorServer, startFloorServer } from '../../src/interfaces/cli/floor-server';
import { ApiClient } from '../support/api-client';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, sharedServer } from '../support/test-server';
import { createUser } from '../support/users';

describe('The benchmark floors answer what the service answers', () => {
  let server: TestServer;
  const floors: FloorServer[] = [];
  before(async () => {
    server = await sharedServer();
  });
  after(async () => {
    await Promise.all(floors.map((floor) => floor.close()));
  });

  for (const framework of ['node', 'koa'] as const) {
    it(`${framework}: the same items on page 1 and in the details, the same payment history, and 401 without a token`, async () => {
      const floor = await startFloorServer(server.config, 0, framework);
      floors.push(floor);
      const onFloor = new ApiClient(floor.url);
      const user = await createUser(server.api);
      for (const kind of ALL_OFFERING_KINDS) {
        const paths = kindPaths(kind);
        const id = await createOffering(server.db, kind);
        const paid = await server.api.post(paths.register(id), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
        expect(paid.status).to.equal(201);

        const [mine, theirs] = await Promise.all([server.api.get(paths.list, { token: user.access }), onFloor.get(paths.list, { token: user.access })]);
        expect(theirs.body.results).to.deep.equal(mine.body.results);
        expect(theirs.body.results.find((item: { id: number }) => item.id === id)).to.include({ is_registered: true });

        const [detail, floorDetail] = await Promise.all([server.api.get(paths.detail(id), { token: user.access }), onFloor.get(paths.detail(id), { token: user.access })]);
        expect(floorDetail.body).to.deep.equal(detail.body);
      }
      const [history, floorHistory] = await Promise.all([server.api.get('/api/me/payments/', { token: user.access }), onFloor.get('/api/me/payments/', { token: user.access })]);
      expect(floorHistory.body.results).to.have.length(2).and.to.deep.equal(history.body.results);
      expect(floorHistory.body.count).to.equal(history.body.count);
      expect((await onFloor.get('/api/tests/')).status).to.equal(401);
    });
  }
});
