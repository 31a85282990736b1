// The floor of `make bench`'s startup table: a JavaScript hello-world, measured as the workers are.
export default {
  fetch() {
    return new Response("Hello World!");
  },
};
