import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { RequestOf, RequestType, ResponseOf } from '../utils/messages/protocol';

/** Sends one request to the background worker. Pages provide the real one; tests a fake. */
export type Send = <T extends RequestType>(request: RequestOf<T>) => Promise<ResponseOf<T>>;

export const BackgroundContext = createContext<Send | null>(null);

/** The page's way to talk to the background, from the nearest provider. */
export function useSend(): Send {
  const send = useContext(BackgroundContext);
  if (!send) throw new Error('useSend needs a BackgroundContext provider');
  return send;
}
