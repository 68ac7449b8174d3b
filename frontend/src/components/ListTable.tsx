import type { ReactNode } from "react";
import { rowMoment } from "./rowMoment";
import { Skeleton } from "./ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "./ui/table";

interface ListTableProps {
  /** The table's accessible name ("API keys"): tests and screen readers find it by this. */
  label: string;
  /** Column headings; an unnamed actions column follows them on the right. */
  columns: readonly string[];
  children: ReactNode;
}

/** A list of things the user manages (API keys, join tokens, users): one row each, its actions at the end. */
export function ListTable({ label, columns, children }: ListTableProps) {
  return (
    <Table aria-label={label} className="whitespace-nowrap">
      <TableHeader>
        <TableRow>
          {columns.map((column) => (
            <TableHead key={column}>{column}</TableHead>
          ))}
          <TableHead className="text-right">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>{children}</TableBody>
    </Table>
  );
}

/** The row's name, cut to the column's width; the whole name shows on hover. `children` follow it (a badge). */
export function NameCell({ name, children }: { name: string; children?: ReactNode }) {
  return (
    <TableCell className="max-w-56 truncate font-medium" title={name}>
      {name}
      {children}
    </TableCell>
  );
}

/** When something happened, as "5 min ago" with the exact time on hover, or `never`. */
export function MomentCell({ value, never }: { value: string | null | undefined; never?: string }) {
  const { text, title } = rowMoment(value, never);
  return (
    <TableCell className="text-muted" title={title}>
      {text}
    </TableCell>
  );
}

export function ActionsCell({ children }: { children: ReactNode }) {
  return <TableCell className="text-right">{children}</TableCell>;
}

/** Two grey bars where the rows will be, while the list loads. */
export function ListLoading({ label }: { label: string }) {
  return (
    <div className="space-y-2" role="status" aria-label={label}>
      <Skeleton className="h-8" />
      <Skeleton className="h-8" />
    </div>
  );
}
