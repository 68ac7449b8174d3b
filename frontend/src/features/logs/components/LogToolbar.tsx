import { RefreshCw, Search } from "lucide-react";
import { useId } from "react";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import { Label } from "../../../components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { Switch } from "../../../components/ui/switch";
import { LEVEL_FILTERS, type LevelFilter } from "../parse";
import { LogSourcePicker } from "./LogSourcePicker";

export const TAIL_CHOICES = [200, 500, 1000, 5000] as const;

export interface LogOptions {
  jobId: string | null;
  level: LevelFilter;
  search: string;
  tail: number;
  follow: boolean;
  /** Show the server's requests for the dashboard's own files (hidden by default: page-load noise). */
  showAssets: boolean;
}

interface LogToolbarProps {
  options: LogOptions;
  onChange: (patch: Partial<LogOptions>) => void;
  onRefresh: () => void;
  refreshing: boolean;
}

export function LogToolbar({ options, onChange, onRefresh, refreshing }: LogToolbarProps) {
  const id = useId();
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="space-y-1.5">
        <Label htmlFor={`${id}-source`}>Log</Label>
        <LogSourcePicker id={`${id}-source`} jobId={options.jobId} onChange={(jobId) => onChange({ jobId })} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor={`${id}-level`}>Show</Label>
        <Select value={options.level} onValueChange={(level) => onChange({ level: level as LevelFilter })}>
          <SelectTrigger id={`${id}-level`} className="w-44">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {LEVEL_FILTERS.map(({ value, label }) => (
              <SelectItem key={value} value={value}>
                {label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <div className="min-w-40 flex-1 space-y-1.5">
        <Label htmlFor={`${id}-search`}>Search</Label>
        <div className="relative">
          <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted" aria-hidden />
          <Input
            id={`${id}-search`}
            type="search"
            className="pl-9"
            placeholder="Words in the log"
            value={options.search}
            onChange={(event) => onChange({ search: event.target.value })}
          />
        </div>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor={`${id}-tail`}>Last lines</Label>
        <Select value={String(options.tail)} onValueChange={(tail) => onChange({ tail: Number(tail) })}>
          <SelectTrigger id={`${id}-tail`} className="w-24">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {TAIL_CHOICES.map((tail) => (
              <SelectItem key={tail} value={String(tail)}>
                {tail.toLocaleString()}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <div className="flex h-9 items-center gap-2">
        <Switch id={`${id}-follow`} checked={options.follow} onCheckedChange={(follow) => onChange({ follow })} />
        <Label htmlFor={`${id}-follow`} title="Fetch new lines every 2 seconds and keep the newest in view">
          Follow new lines
        </Label>
      </div>
      <div className="flex h-9 items-center gap-2">
        <Switch id={`${id}-assets`} checked={options.showAssets} onCheckedChange={(showAssets) => onChange({ showAssets })} />
        <Label htmlFor={`${id}-assets`} title="Requests for the dashboard's scripts, styles and images, written on every page load">
          Show page file requests
        </Label>
      </div>
      {!options.follow && (
        <Button variant="secondary" onClick={onRefresh} disabled={refreshing}>
          <RefreshCw aria-hidden className={refreshing ? "animate-spin" : undefined} />
          Refresh
        </Button>
      )}
    </div>
  );
}
