import { Info } from "lucide-react";
import { useState } from "react";
import type { AlgorithmInfo, ProblemType } from "../../../api/types";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "../../../components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../../../components/ui/tabs";
import { PROBLEM_TYPE_TEXT } from "../../../lib/problemType";
import { gpuText, isPlugin, originText, spaceRows, spaceTasks, tasksText } from "../algorithmDetails";

function SpaceTable({ algorithm, task }: { algorithm: AlgorithmInfo; task: ProblemType }) {
  const rows = spaceRows(algorithm, task);
  if (rows.length === 0) return <p className="text-sm text-muted">Nothing to tune: it trains with its defaults.</p>;
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Parameter</TableHead>
          <TableHead>Searched over</TableHead>
          <TableHead>Scale</TableHead>
          <TableHead>First tried</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.name}>
            <TableCell className="align-baseline font-mono text-xs">
              {row.name}
              {row.help && <span className="block font-sans text-muted">{row.help}</span>}
            </TableCell>
            <TableCell className="align-baseline">
              {row.fixed ? <span className="text-muted">fixed</span> : row.values}
              {row.condition && <span className="block text-xs text-muted">{row.condition}</span>}
            </TableCell>
            <TableCell className="align-baseline text-muted">{row.scale}</TableCell>
            <TableCell className="align-baseline font-mono text-xs">{row.initial}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** One fact of the algorithm: a term and its value, in the dialog's definition list. */
function Fact({ term, children }: { term: string; children: string }) {
  return (
    <div className="flex flex-wrap gap-x-2">
      <dt className="text-muted">{term}:</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** One algorithm's facts and search space (for the form's task first, the other tasks on their own tabs). */
function AlgorithmFacts({ algorithm, task }: { algorithm: AlgorithmInfo; task: ProblemType | undefined }) {
  const tasks = spaceTasks(algorithm, task);
  return (
    <>
      <dl className="grid gap-1 text-sm">
        <Fact term="Tasks">{tasksText(algorithm.tasks)}</Fact>
        <Fact term="Hardware">{gpuText(algorithm.gpu)}</Fact>
        <Fact term="Origin">{originText(algorithm.origin)}</Fact>
        <Fact term="Categorical columns">
          {algorithm.native_categorical ? "taken as category codes (native support)" : "encoded by FlowML's preprocessing"}
        </Fact>
        <Fact term="ONNX export">{algorithm.onnx ? "yes" : "no"}</Fact>
      </dl>
      {tasks.length === 1 && tasks[0] && <SpaceTable algorithm={algorithm} task={tasks[0]} />}
      {tasks.length > 1 && (
        // Keyed by the algorithm: another algorithm starts again on the form's task.
        <Tabs key={algorithm.name} defaultValue={tasks[0]}>
          <TabsList aria-label="Search space for">
            {tasks.map((item) => (
              <TabsTrigger key={item} value={item}>
                {PROBLEM_TYPE_TEXT[item].label}
              </TabsTrigger>
            ))}
          </TabsList>
          {tasks.map((item) => (
            <TabsContent key={item} value={item}>
              <SpaceTable algorithm={algorithm} task={item} />
            </TabsContent>
          ))}
        </Tabs>
      )}
    </>
  );
}

/**
 * "Algorithm details" beside Select all: a dialog with what the server says about each listed algorithm (tasks, GPU
 * ability, origin) and the search space the tuner explores. One button for the whole list, not one per algorithm,
 * so the form's Tab path from the target to Start stays short.
 */
export function AlgorithmDetails({ algorithms, task }: { algorithms: readonly AlgorithmInfo[]; task: ProblemType | undefined }) {
  const [name, setName] = useState("");
  const shown = algorithms.find((item) => item.name === name) ?? algorithms[0];
  if (!shown) return null;
  return (
    <Dialog>
      <DialogTrigger asChild>
        <button type="button" className="inline-flex min-h-6 items-center gap-1 text-accent hover:underline">
          <Info className="size-3.5" aria-hidden />
          Algorithm details
        </button>
      </DialogTrigger>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle>Algorithm details</DialogTitle>
          <DialogDescription>What the tuner searches for each algorithm, and the configuration it tries first.</DialogDescription>
        </DialogHeader>
        <label className="grid gap-1 text-sm" htmlFor="algorithm-details-choice">
          <span className="text-muted">Algorithm</span>
          <select id="algorithm-details-choice" className="input" value={shown.name} onChange={(event) => setName(event.target.value)}>
            {algorithms.map((item) => (
              <option key={item.name} value={item.name}>
                {isPlugin(item.origin) ? `${item.label} (plugin)` : item.label}
              </option>
            ))}
          </select>
        </label>
        <AlgorithmFacts algorithm={shown} task={task} />
      </DialogContent>
    </Dialog>
  );
}
