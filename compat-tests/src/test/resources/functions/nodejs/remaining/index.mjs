export const handler = async (e, ctx) => {
  const a = ctx.getRemainingTimeInMillis();
  await new Promise((r) => setTimeout(r, 500));
  return { a, b: ctx.getRemainingTimeInMillis() };
};
