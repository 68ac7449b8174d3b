import type { DatasetPreview } from "../../../api/types";
import { formatCell } from "../../../lib/format";
import { ScrollRegion } from "../../../components/ScrollRegion";

export function PreviewTable({ preview }: { preview: DatasetPreview }) {
  return (
    <div>
      <ScrollRegion label="Preview rows" className="max-h-[28rem] overflow-auto rounded-md border border-line">
        <table className="w-full text-xs">
          <thead className="sticky top-0 bg-raised text-left">
            <tr>
              {preview.columns.map((column) => (
                <th key={column} className="px-3 py-2 font-medium whitespace-nowrap">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-line tabular-nums">
            {preview.rows.map((row, index) => (
              <tr key={index} className="hover:bg-raised/50">
                {preview.columns.map((column) => {
                  const value = row[column];
                  return (
                    <td key={column} className="max-w-60 truncate px-3 py-1.5 whitespace-nowrap">
                      {value === null || value === undefined ? <span className="text-muted italic">missing</span> : formatCell(value)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <p className="mt-2 text-xs text-muted">
        First {preview.rows.length.toLocaleString()} of {preview.total_rows.toLocaleString()} rows.
      </p>
    </div>
  );
}
