import { Trash2 } from "lucide-react";
import { Link } from "react-router";
import { useDeleteWorkflow, type WorkflowSummary } from "../../../api/hooks/workflows";
import { ConfirmAction } from "../../../components/ConfirmAction";
import { ListTable } from "../../../components/ListTable";
import { TableCell, TableRow } from "../../../components/ui/table";
import { formatAgo, formatDateTime } from "../../../lib/time";

/** The workflows the user can see, last saved first: open one, or delete it after a question. */
export function WorkflowList({ items }: { items: WorkflowSummary[] }) {
  const remove = useDeleteWorkflow();
  return (
    <ListTable label="Workflows" columns={["Name", "Version", "Updated"]}>
      {items.map((item) => (
        <TableRow key={item.id}>
          <TableCell className="max-w-72 truncate font-medium">
            <Link to={`/workflows/${item.id}`} className="text-accent hover:underline" title={item.description || item.name}>
              {item.name}
            </Link>
          </TableCell>
          <TableCell>{item.version}</TableCell>
          <TableCell title={formatDateTime(item.updated_at)}>{formatAgo(item.updated_at)}</TableCell>
          <TableCell className="text-right">
            <ConfirmAction
              label="Delete"
              hiddenLabel={item.name}
              icon={<Trash2 aria-hidden />}
              variant="danger"
              size="sm"
              title={`Delete “${item.name}”?`}
              description="The workflow and its saved versions are deleted; this cannot be undone."
              confirmLabel="Delete workflow"
              dismissLabel="Keep it"
              pending={remove.isPending}
              onConfirm={() => remove.mutate(item)}
            />
          </TableCell>
        </TableRow>
      ))}
    </ListTable>
  );
}
