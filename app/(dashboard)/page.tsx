export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  return <h1 className="text-xl font-semibold">Overview</h1>;
}
