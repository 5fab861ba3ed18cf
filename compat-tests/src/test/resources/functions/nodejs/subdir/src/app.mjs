export const handler = async () => "subdir";
