exports.handler = async (event) => ({ style: "cjs", event });
