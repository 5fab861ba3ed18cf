export const handler = async () => ({ style: "esm-js" });
