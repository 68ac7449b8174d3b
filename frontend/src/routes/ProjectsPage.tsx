import { FolderKanban } from "lucide-react";
import { Card, CardContent, CardHeader, CardTitle } from "../components/ui/card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { useProjects } from "../api/hooks/projects";
import { CreateProjectForm } from "../features/projects/components/CreateProjectForm";
import { ProjectCard } from "../features/projects/components/ProjectCard";

export function ProjectsPage() {
  const projects = useProjects();
  return (
    <>
      <PageHeader
        title="Projects"
        subtitle="Share datasets, jobs and models with colleagues. What is not in a project stays private to you."
      />
      <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <Card className="self-start">
          <CardHeader>
            <CardTitle>New project</CardTitle>
          </CardHeader>
          <CardContent>
            <CreateProjectForm />
          </CardContent>
        </Card>
        <div className="min-w-0 space-y-6">
          <QueryView query={projects} loadingLabel="Loading projects…">
            {(items) =>
              items.length === 0 ? (
                <Card>
                  <CardContent>
                    <EmptyState title="No projects yet" icon={<FolderKanban className="size-8" aria-hidden />}>
                      Create one, add members with a role, then choose it when you upload data or train.
                    </EmptyState>
                  </CardContent>
                </Card>
              ) : (
                items.map((item) => <ProjectCard key={item.id} project={item} />)
              )
            }
          </QueryView>
        </div>
      </div>
    </>
  );
}
