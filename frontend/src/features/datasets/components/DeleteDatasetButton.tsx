import { Trash2 } from "lucide-react";
import { useState } from "react";
import type { Dataset } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { ErrorBanner } from "../../../components/States";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "../../../components/ui/alert-dialog";
import { buttonVariants } from "../../../components/ui/button";
import { useDeleteDataset } from "../../../api/hooks/datasets";

/** Delete behind a confirmation; the server's refusal (a job still training on it) stays in the dialog. */
export function DeleteDatasetButton({ dataset, onDeleted }: { dataset: Dataset; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const remove = useDeleteDataset();

  const onOpenChange = (next: boolean) => {
    if (remove.isPending) return;
    if (!next) remove.reset();
    setOpen(next);
  };
  const confirm = () =>
    remove.mutate(dataset.id, {
      onSuccess: () => {
        setOpen(false);
        onDeleted();
      },
    });

  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogTrigger asChild>
        <Button variant="danger">
          <Trash2 className="size-4" aria-hidden />
          Delete
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete “{dataset.name}”?</AlertDialogTitle>
          <AlertDialogDescription>
            The uploaded data is removed for good. Models already trained on it are kept and can still make predictions.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {remove.isError && <ErrorBanner message={`Could not delete: ${remove.error.message}`} />}
        <AlertDialogFooter>
          <AlertDialogCancel disabled={remove.isPending}>Keep it</AlertDialogCancel>
          {/* A plain button, not AlertDialogAction: the dialog must stay open to show a refusal. */}
          <button type="button" className={buttonVariants({ variant: "destructive" })} onClick={confirm} disabled={remove.isPending}>
            {remove.isPending ? "Deleting…" : "Delete dataset"}
          </button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
