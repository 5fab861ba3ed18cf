// Tests use this function with the handlers `index.nosuch` (export missing)
// and `missing.handler` (file missing); `index.handler` itself works.
export const handler = async () => "ok";
