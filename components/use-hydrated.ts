import { useSyncExternalStore } from "react";

const subscribeToNothing = () => () => {};

/** False in the server render and while hydrating, true once the browser runs the component's handlers. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}
