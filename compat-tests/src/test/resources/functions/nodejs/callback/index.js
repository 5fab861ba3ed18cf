exports.handler = (event, context, callback) => {
  setTimeout(() => callback(null, { style: "callback" }), 10);
};
