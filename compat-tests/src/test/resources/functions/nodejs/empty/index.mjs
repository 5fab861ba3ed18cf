export const handler = async (event) => ({ type: typeof event, keys: Object.keys(event).length });
