import { CheckCircle2, Download } from "lucide-react";
import { useEffect, useState } from "react";
import { buttonVariants } from "../../../components/ui/button";
import { ScrollRegion } from "../../../components/ScrollRegion";
import { Notice } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { type BatchResult, isExplanationColumn } from "../batch";

/** An object URL for the CSV, revoked when the result changes or the panel goes away. */
function useBlobUrl(text: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const next = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [text]);
  return url;
}

/** Probabilities arrive with 17 digits; four are plenty to read (the CSV keeps them all). */
function previewCell(text: string | undefined): string {
  if (text === undefined || text.trim() === "") return "";
  const value = Number(text);
  return Number.isFinite(value) && /[.eE]/.test(text) ? formatNumber(value, 4) : text;
}

export function BatchResultView({ result, source }: { result: BatchResult; source: string }) {
  const url = useBlobUrl(result.csv);
  return (
    <div className="space-y-4" aria-live="polite">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="flex items-center gap-2 text-sm">
          <CheckCircle2 className="size-4 text-ok" aria-hidden />
          <span>
            Scored <strong className="tabular-nums">{result.rows.toLocaleString()}</strong> {result.rows === 1 ? "row" : "rows"} from {source}.
          </span>
        </p>
        {url && (
          <a href={url} download={result.filename} className={buttonVariants()}>
            <Download className="size-4" aria-hidden /> Download predictions (.csv)
          </a>
        )}
      </div>
      {result.warnings.length > 0 && (
        <Notice>
          <ul className="list-inside list-disc space-y-0.5">
            {result.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </Notice>
      )}
      {result.preview.length > 0 && (
        <ScrollRegion label="First predictions" className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="First predictions">
            <caption className="pb-2 text-left text-xs text-muted">
              The first {result.preview.length} rows, in the order of your file. Columns named proba_… hold each class&apos;s (or cluster&apos;s) probability
              {result.columns.some(isExplanationColumn) &&
                "; contribution_… columns say how much each column pushed the prediction up (+) or down (−) from base_value, on the scale named in explained"}
              .
            </caption>
            <thead className="text-left text-xs text-muted">
              <tr>
                {result.columns.map((column) => (
                  <th key={column} scope="col" className="whitespace-nowrap py-1.5 pr-3 font-medium">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-line tabular-nums">
              {result.preview.map((row, i) => (
                <tr key={i}>
                  {result.columns.map((column, j) => (
                    <td key={column} className="whitespace-nowrap py-1.5 pr-3">
                      {previewCell(row[j])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </div>
  );
}
