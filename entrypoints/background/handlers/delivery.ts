import {
  destinationInForce,
  destinationView,
  parseDestinationUrl,
  type Destination,
} from '../../../utils/audit/destination';
import type { DeliveryView } from '../../../utils/messages/protocol';
import { HandlerError } from '../router';
import type { Handlers } from '../router';
import type { Services } from '../services';

type DeliveryHandlers = Pick<
  Handlers,
  'delivery.get' | 'delivery.save' | 'delivery.remove' | 'delivery.retry' | 'delivery.test'
>;

/** The shortest signing key taken (the schema's minimum; Options offers a generated one). */
const MIN_SECRET = 16;

export function deliveryHandlers({
  vault,
  policy,
  delivery,
  hasHostAccess,
  effectiveSettings,
}: Services): DeliveryHandlers {
  const policyDestination = async () => {
    const view = await policy.current();
    return {
      set: view.setKeys.includes('auditDestination'),
      destination: view.rules.auditDestination,
    };
  };
  const view = async (): Promise<DeliveryView> => {
    const managed = await policyDestination();
    const state = await delivery.state();
    if ((await vault.state()) !== 'unlocked')
      return { locked: true, managed: managed.set, destination: null, hostAccess: false, state };
    const inForce = destinationInForce((await vault.data()).delivery ?? null, managed);
    const destination = inForce ? destinationView(inForce) : null;
    return {
      locked: false,
      managed: managed.set,
      destination,
      hostAccess: destination ? await hasHostAccess([destination.origin]) : false,
      state,
    };
  };
  return {
    'delivery.get': view,
    async 'delivery.save'({ format, url, secret }) {
      const managed = await policyDestination();
      const stored = (await vault.data()).delivery;
      let next: Destination;
      if (managed.set) {
        // The policy's format and URL; the operator adds only the signing key.
        if (managed.destination === null)
          throw new HandlerError({ kind: 'invalid-input', field: 'delivery-managed' });
        next = { ...managed.destination };
      } else if ((url ?? '').trim() === '' && stored?.format === format) {
        // An edit that leaves the URL empty keeps it (the form never shows a stored one).
        next = { ...stored };
      } else {
        const parsed = parseDestinationUrl(url ?? '');
        if (!parsed.ok)
          throw new HandlerError({
            kind: 'invalid-input',
            field: `delivery-url-${parsed.problem}`,
          });
        next = { format, url: parsed.url };
      }
      if (next.format === 'json') {
        // An edit without a key keeps the one saved for this same destination.
        const kept =
          stored?.format === 'json' && stored.url === next.url ? stored.secret : undefined;
        const key = secret || kept;
        if (key === undefined || key.length < MIN_SECRET)
          throw new HandlerError({ kind: 'invalid-input', field: 'delivery-secret' });
        next.secret = key;
      }
      await vault.update((data) => ({ ...data, delivery: next }));
      // A new destination starts over: no back-off left from the old one.
      await delivery.retryNow();
      return view();
    },
    async 'delivery.remove'() {
      // The organisation's destination is not the operator's to stop.
      if ((await policyDestination()).set)
        throw new HandlerError({ kind: 'invalid-input', field: 'delivery-managed' });
      await vault.update(({ delivery: _removed, ...data }) => data);
      return view();
    },
    async 'delivery.retry'() {
      await delivery.retryNow();
      return view();
    },
    async 'delivery.test'() {
      return delivery.sendTest((await effectiveSettings()).moderatorName);
    },
  };
}
