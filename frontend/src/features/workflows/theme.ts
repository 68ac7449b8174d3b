import { useSyncExternalStore } from "react";

// React Flow draws its own controls, minimap and background: it follows the app's theme (the `dark` class that
// lib/theme.ts sets on <html>) through its colorMode, watched here so a toggle repaints the canvas too.
function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

export function useColorMode(): "dark" | "light" {
  return useSyncExternalStore(subscribe, () => (document.documentElement.classList.contains("dark") ? "dark" : "light"));
}
