import { expect } from 'chai';
import { AvailabilityWindow } from '../../src/domain/availability-window';

describe('AvailabilityWindow', () => {
  const start = new Date('2026-11-01T00:00:00Z');
  const end = new Date('2026-11-30T00:00:00Z');
  const window = new AvailabilityWindow(start, end);

  it('is open at exactly start_at and exactly end_at', () => {
    expect(window.isOpenAt(start)).to.equal(true);
    expect(window.isOpenAt(end)).to.equal(true);
  });

  it('is upcoming a millisecond before start_at and closed a millisecond after end_at', () => {
    expect(window.statusAt(new Date(start.getTime() - 1))).to.equal('upcoming');
    expect(window.statusAt(new Date(end.getTime() + 1))).to.equal('closed');
  });

  it('has started from start_at on', () => {
    expect(window.hasStartedBy(new Date(start.getTime() - 1))).to.equal(false);
    expect(window.hasStartedBy(start)).to.equal(true);
  });

  it('refuses a window that ends before it starts', () => {
    expect(() => new AvailabilityWindow(end, start)).to.throw(RangeError);
  });
});
