import { Database } from "lucide-react";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { Card, CardContent, CardHeader, CardTitle } from "../components/ui/card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { useDatasets } from "../api/hooks/datasets";
import { DatasetDetail } from "../features/datasets/components/DatasetDetail";
import { DatasetList } from "../features/datasets/components/DatasetList";
import { UploadDropzone } from "../features/datasets/components/UploadDropzone";
import { ProjectPicker } from "../components/ProjectPicker";

export function DataPage() {
  const [params, setParams] = useSearchParams();
  const datasets = useDatasets();
  // Where the next upload goes: "" is private (the default).
  const [projectId, setProjectId] = useState("");
  const select = (id: string | undefined) => setParams(id ? { id } : {}, { replace: true });
  const selectedId = params.get("id") ?? datasets.data?.[0]?.id;
  const selected = datasets.data?.find((item) => item.id === selectedId);

  return (
    <>
      <PageHeader title="Data" subtitle="Upload a table; FlowML profiles every column and suggests what to predict." />
      <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <div className="space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>Upload</CardTitle>
            </CardHeader>
            <CardContent>
              <div className="space-y-4">
                <ProjectPicker id="upload-project" value={projectId} onChange={setProjectId} />
                <UploadDropzone projectId={projectId} onUploaded={(dataset) => select(dataset.id)} />
              </div>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Datasets</CardTitle>
            </CardHeader>
            <CardContent>
              <QueryView query={datasets}>
                {(items) =>
                  items.length === 0 ? (
                    <EmptyState title="No datasets yet" icon={<Database className="size-8" aria-hidden />}>
                      Upload a file to get started.
                    </EmptyState>
                  ) : (
                    <DatasetList datasets={items} selectedId={selectedId} onSelect={select} />
                  )
                }
              </QueryView>
            </CardContent>
          </Card>
        </div>
        <div className="min-w-0">
          {selected ? (
            <DatasetDetail key={selected.id} dataset={selected} onDeleted={() => select(undefined)} />
          ) : (
            datasets.data?.length !== 0 && <Card>
              <CardContent><EmptyState title="Select a dataset to see its columns and rows" /></CardContent>
            </Card>
          )}
        </div>
      </div>
    </>
  );
}
