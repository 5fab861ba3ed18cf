export const handler = async () => {
  console.log("hi");
  return "ok";
};
