// GET|POST /api/auth/* — next-auth (sign-in, callback, sign-out); absent when AUTH_MODE=disabled
import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/auth-options";
import { errorBody, httpStatus } from "@/lib/errors";
import { getWebRuntime } from "@/lib/web-runtime";

export const dynamic = "force-dynamic";

async function handler(req: Request, context: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
  try {
    const options = await getAuthOptions(await getWebRuntime());
    return await NextAuth(options)(req, context);
  } catch (e) {
    return Response.json(errorBody(e), { status: httpStatus(e) });
  }
}

export { handler as GET, handler as POST };
