// Baseline for bench/ingest: the cheapest possible Next.js route handler answering 202.
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  await req.text();
  return Response.json({ accepted: true }, { status: 202 });
}
