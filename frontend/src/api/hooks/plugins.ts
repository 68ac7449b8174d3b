import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../client";
import { queryKeys } from "../queryKeys";
import type { components } from "../schema";

type Schemas = components["schemas"];
export type PluginsInfo = Schemas["PluginsInfo"];
export type LoadedPlugin = Schemas["LoadedPlugin"];
export type BrokenPlugin = Schemas["BrokenPlugin"];

export const pluginsApi = {
  get: (): Promise<PluginsInfo> => unwrap(api.GET("/api/plugins")),
};

/** The server loads its plugins once, at start: no polling; a restart (new plugins) reloads the page anyway. */
export function usePlugins() {
  return useQuery({ queryKey: queryKeys.plugins, queryFn: pluginsApi.get, staleTime: Infinity });
}
